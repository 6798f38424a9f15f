// @ts-check
/**
 * The write check of /db with the utility's approving role: content/utility.yaml names who
 * approves the committee's commitments (`approverRole`, default manager); the same file reaches
 * the devices through the built site, so the device and the server apply the same rule.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import { parse as parseYaml } from 'yaml';
import { Utility } from '../../src/db/schema/siteContent.ts';
import { validateDocumentWrite } from '../../src/db/validateRecordWrite.ts';

/**
 * The committee's rules of approval in <contentDir>/utility.yaml (`fourEyes`, default on), for
 * the fold the publisher and `npm run publish` apply (src/rules/committee/draftState.ts).
 * @param {string} contentDir
 * @returns {import('../../src/rules/committee/draftState.ts').CommitteeRules}
 */
export function committeeRulesOf(contentDir) {
  return { fourEyes: utilityOf(contentDir).fourEyes };
}

/** @param {string} contentDir */
function utilityOf(contentDir) {
  const file = path.join(contentDir, 'utility.yaml');
  const parsed = v.safeParse(Utility, parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.issues.map((i) => `${(i.path ?? []).map((p) => p.key).join('.')}: ${i.message}`).join('; ')}`);
  return parsed.output;
}

/**
 * @param {string} contentDir
 * @returns {import('../backend/domain.mjs').ValidateWrite}
 */
export function validateWriteWithApprover(contentDir) {
  const { approverRole, fourEyes, languages } = utilityOf(contentDir);
  return (input) => validateDocumentWrite({ ...input, approverRole, fourEyes, languages });
}
