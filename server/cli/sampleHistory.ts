/**
 * A generated year of gas-company history in the import format (docs/import-format.md), for
 * the illustrative content/results/2024.json: 2,000 households over two stations, their
 * inspection visits, outages, hotline calls, emergency-phone downtime, and requests of every
 * kind the 2024 commitments measure with replies, visits and callbacks. Deterministic (seeded):
 *
 *   npx tsx server/cli/sampleHistory.ts > /tmp/sample-2024.ndjson
 *   npm run results -- --year 2024 --rows /tmp/sample-2024.ndjson --sample --as-of 2025-01-10T02:00:00.000Z
 *
 * The figures are made up; the page says so (`sample: true`).
 */
import { seededRandom } from '../../src/db/schema/events/ids';

export function* sampleHistory2024(seed = 2024): Generator<Record<string, unknown>> {
  const rnd = seededRandom(seed);
  const T = (ms: number) => new Date(ms).toISOString();
  const Y0 = Date.parse('2024-01-01T00:00:00+08:00');
  const YEAR = 366 * 86_400_000;
  const MIN = 60_000;
  const H = 60 * MIN;
  const stations = ['north-1', 'south-2'];
  const contact = { name: '张女士', phone: '13800000000' };
  const address = '示例小区 1-101';

  for (let i = 0; i < 2000; i += 1) {
    const station = stations[i % 2]!;
    yield { row: 'household', household: `G-${10000 + i}`, station, activeFrom: i < 1950 ? '2019-01-01' : '2024-07-01' };
    const r = rnd();
    if (r < 0.97) yield { row: 'inspection', key: `insp-${i}`, household: `G-${10000 + i}`, station, at: T(Y0 + Math.floor(rnd() * 300) * 86_400_000 + 10 * H), outcome: r < 0.9 ? 'inspected' : 'nobody-home' };
  }
  for (let n = 0; n < 14; n += 1) {
    const start = Y0 + Math.floor(rnd() * 360) * 86_400_000 + 9 * H;
    const planned = n < 10;
    yield {
      row: 'outage', outage: `O-${n}`, station: stations[n % 2], planned, affectedCustomers: 20 + Math.floor(rnd() * 200), area: '示例小区',
      ...(planned ? { announcedAt: T(start - (n === 9 ? 30 : 72) * H) } : {}),
      startedAt: T(start), restoredAt: T(start + (n === 3 ? 30 : 2 + Math.floor(rnd() * 10)) * H),
      // One fault marked an emergency accident: the notice and restoration figures leave it out.
      ...(n === 12 ? { emergency: '第三方施工挖断中压管线（示例）' } : {}),
    };
  }
  for (let c = 0; c < 4000; c += 1) {
    const rings = rnd() < 0.96 ? 1 + Math.floor(rnd() * 3) : 4 + Math.floor(rnd() * 4);
    yield { row: 'call', key: `call-${c}`, line: 'hotline', at: T(Y0 + Math.floor(rnd() * YEAR)), answered: rnd() < 0.99, rings };
  }
  yield { row: 'line-down', key: 'down-1', line: 'emergency', from: '2024-08-03T02:10:00+08:00', to: '2024-08-03T02:25:00+08:00', reason: '线路检修' };

  const kinds: [string, number, number][] = [
    // kind, how many, minutes to arrive (typical)
    ['emergency', 40, 30],
    ['appointment-installation', 120, 24 * 60],
    ['appointment-repair', 280, 12 * 60],
    ['appointment-safety-inspection', 60, 12 * 60],
    ['appliance-installation', 40, 10 * 60],
    ['appliance-repair', 30, 12 * 60],
    ['complaint', 60, 0],
    ['suggestion', 30, 0],
    ['consultation', 200, 0],
  ];
  let q = 0;
  for (const [kind, count, typical] of kinds) {
    for (let i = 0; i < count; i += 1) {
      q += 1;
      const request = `Q${q}`;
      const station = stations[q % 2]!;
      // Working hours on working days mostly: Monday-Friday 09:00-16:00 of a random week.
      const s = Y0 + (7 + Math.floor(rnd() * 50) * 7 + Math.floor(rnd() * 5)) * 86_400_000 + (9 + Math.floor(rnd() * 7)) * H;
      const ev = (type: string, at: number, payload: Record<string, unknown> = {}) => ({ row: 'event', key: `${request}/${type}`, request, requestKind: kind, type, at: T(at), station, resident: `r-${5000 + (q % 900)}`, role: 'hotline', author: 'hl-sample', payload });
      const submission =
        kind === 'emergency' ? { channel: 'phone', contact, address, location: '厨房', description: '闻到燃气味' }
        : kind === 'complaint' ? { channel: 'phone', contact, address, about: '上门人员', place: address, demand: '改进服务' }
        : kind === 'suggestion' ? { channel: 'phone', contact, text: '希望延长热线时间' }
        : kind === 'consultation' ? { channel: 'phone', contact, question: '如何办理过户？' }
        : { channel: 'phone', contact, address, preferredDate: T(s + 86_400_000).slice(0, 10), slot: 'morning' };
      yield ev('submitted', s, submission);
      if (typical === 0) {
        const late = rnd() < 0.03;
        yield ev('reply', s + (late ? 80 : 2 + Math.floor(rnd() * 20)) * H, { text: '已答复', channel: 'phone' });
        continue;
      }
      const arrive = s + Math.floor(typical * (0.3 + rnd() * (rnd() < 0.04 ? 3 : 1))) * MIN;
      yield ev('arrived', arrive);
      yield ev('resolved', arrive + 60 * MIN, { summary: '已完成' });
      if (kind.startsWith('appliance') || kind === 'appointment-repair') {
        if (rnd() < 0.98) {
          const reached = rnd() < 0.95;
          yield ev('callback', arrive + 26 * H, reached ? { outcome: 'satisfied', attitude: 8 + Math.floor(rnd() * 3), ability: 8 + Math.floor(rnd() * 3), satisfaction: 'satisfied' } : { outcome: 'unreachable' });
        }
      }
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of sampleHistory2024()) process.stdout.write(`${JSON.stringify(row)}\n`);
}
