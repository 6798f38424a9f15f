import type { Bilingual } from '../../db/schema/common';
import type { Role } from '../../db/schema/roles';
import { chinaDay } from '../chinaTime';

/**
 * What a published page says about its publication: the day (China time) and whose approval,
 * as the approving role. Not the approver's staff account name: a published page carries no
 * personal data, and a staff member's name is theirs; who approved stays in the approval record,
 * which only staff read.
 */

const ROLE_LABELS: Partial<Record<Role, Bilingual>> = {
  manager: { zh: '经理', en: 'the manager' },
  committee: { zh: '客户服务委员会', en: 'the customer-service committee' },
  admin: { zh: '系统管理员', en: 'the administrator' },
};

export interface PublicationStamp {
  readonly on: string;
  readonly approvedBy: Bilingual;
}

export function publicationStamp(approver: { readonly role: Role }, publishedAt: Date | string): PublicationStamp {
  const label = ROLE_LABELS[approver.role] ?? { zh: approver.role, en: approver.role };
  return {
    on: chinaDay(typeof publishedAt === 'string' ? Date.parse(publishedAt) : publishedAt),
    approvedBy: { zh: label.zh, en: label.en },
  };
}

/** The approved set as it is written to content/commitments/<year>.yaml: with its stamp. */
export function stampedCommitments<T extends Readonly<Record<string, unknown>>>(set: T, stamp: PublicationStamp): T & { published: PublicationStamp } {
  return { ...set, published: { on: stamp.on, approvedBy: { ...stamp.approvedBy } } };
}
