import { onMount } from 'solid-js';

/**
 * The resident signs on the technician's device (000 §3.3; 002 ch.2: a record without the
 * resident's signature is invalid). Draws with a finger, pen or mouse; `onChange` gets the PNG
 * data URL after each stroke, or null once cleared.
 */
export default function SignaturePad(props: { id: string; label: string; clearLabel: string; onChange: (png: string | null) => void }) {
  let canvas!: HTMLCanvasElement;
  let drawing = false;
  let drawn = false;
  const ctx = () => canvas.getContext('2d')!;
  const point = (e: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * canvas.width) / r.width, y: ((e.clientY - r.top) * canvas.height) / r.height };
  };
  const blank = () => {
    const c = ctx();
    c.fillStyle = '#fff';
    c.fillRect(0, 0, canvas.width, canvas.height);
    c.strokeStyle = '#111';
    c.lineWidth = 2.5;
    c.lineCap = 'round';
  };
  onMount(blank);
  const down = (e: PointerEvent) => {
    drawing = true;
    canvas.setPointerCapture?.(e.pointerId);
    const p = point(e);
    ctx().beginPath();
    ctx().moveTo(p.x, p.y);
  };
  const move = (e: PointerEvent) => {
    if (!drawing) return;
    const p = point(e);
    ctx().lineTo(p.x, p.y);
    ctx().stroke();
    drawn = true;
  };
  const up = () => {
    if (!drawing) return;
    drawing = false;
    if (drawn) props.onChange(canvas.toDataURL('image/png'));
  };
  const clear = () => {
    blank();
    drawn = false;
    props.onChange(null);
  };
  return (
    <div class="field signature">
      <p id={`${props.id}-label`} class="field-label">{props.label}</p>
      <canvas
        id={props.id}
        ref={canvas}
        width="480"
        height="160"
        role="img"
        aria-labelledby={`${props.id}-label`}
        class="signature-pad"
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerLeave={up}
      />
      <button type="button" class="button secondary" onClick={clear}>{props.clearLabel}</button>
    </div>
  );
}
