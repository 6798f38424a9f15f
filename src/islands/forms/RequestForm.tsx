import { Match, Switch } from 'solid-js';
import type { RequestKind } from '../../db/schema/requestKind';
import AppointmentForm from './AppointmentForm';
import ComplaintForm from './ComplaintForm';
import MessageForm from './MessageForm';
import RepairForm from './RepairForm';
import TemperatureTestForm from './TemperatureTestForm';
import type { RequestFormProps } from './requestForm';

/** The kinds a resident may file from the portal (an emergency is a phone call, never a form). */
export const PORTAL_CHOICES = ['repair', 'temperature-test', 'appointment', 'complaint', 'consultation', 'suggestion', 'praise'] as const;
export type PortalChoice = (typeof PORTAL_CHOICES)[number];

/** The portal's choice a request kind belongs to (all appointment kinds share one form). */
export function choiceOfKind(kind: RequestKind): PortalChoice | null {
  if (kind.startsWith('appointment-') || kind.startsWith('appliance-')) return 'appointment';
  return (PORTAL_CHOICES as readonly string[]).includes(kind) ? (kind as PortalChoice) : null;
}

/** The form of one choice; a correction opens the form of the refused request's kind. */
export default function RequestForm(props: RequestFormProps & { choice: PortalChoice }) {
  return (
    <Switch>
      <Match when={props.choice === 'repair'}>
        <RepairForm {...props} />
      </Match>
      <Match when={props.choice === 'temperature-test'}>
        <TemperatureTestForm {...props} />
      </Match>
      <Match when={props.choice === 'appointment'}>
        <AppointmentForm {...props} />
      </Match>
      <Match when={props.choice === 'complaint'}>
        <ComplaintForm {...props} />
      </Match>
      {/* Keyed: each message kind is its own form (its own field and draft), not one form relabelled. */}
      <Match when={props.choice === 'consultation' || props.choice === 'suggestion' || props.choice === 'praise' ? props.choice : undefined} keyed>
        {(kind) => <MessageForm {...props} kind={kind} />}
      </Match>
    </Switch>
  );
}
