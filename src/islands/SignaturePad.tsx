import { Show, createSignal, onCleanup, onMount } from 'solid-js';
import type { ResidentStrings } from '../i18n';
import { MAX_NAME, MAX_SIGNATURE_LENGTH } from '../db/schema/events/limits';

/** The height of the pad, CSS pixels; its width follows the screen (a phone's full width). */
const PAD_HEIGHT = 160;
const INK = '#1c1917';

/**
 * A signature pad: draw with a finger, mouse or pen (pointer events), or — with the keyboard
 * alone — type a name, which is written onto the pad as the signature image. Either way the
 * result is a PNG data URL within the event schema's size limit (MAX_SIGNATURE_KB), passed to
 * `onChange`; null when cleared. The pad follows its width (ResizeObserver), keeping what is
 * drawn. The canvas is drawn at one device pixel per CSS pixel: a few kilobytes of PNG.
 */
export default function SignaturePad(props: {
  t: ResidentStrings['completion']['signature'];
  idBase: string;
  /** The legend, when not the resident's own "签名" (staff: "用户签字"). */
  legend?: string;
  onChange: (png: string | null) => void;
  error?: string | undefined;
}) {
  const t = props.t;
  let canvas!: HTMLCanvasElement;
  const [typed, setTyped] = createSignal('');
  const [typedError, setTypedError] = createSignal<string | null>(null);
  const [said, setSaid] = createSignal('');
  let inked = false;
  const [hasInk, setHasInk] = createSignal(false);
  let drawing: number | null = null;

  const context = () => canvas.getContext('2d')!;
  const blank = () => {
    const ctx = context();
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  /** Matches the canvas to its box, keeping the drawing (scaled). */
  const fit = () => {
    const width = Math.max(1, Math.round(canvas.clientWidth));
    if (width === canvas.width && canvas.height === PAD_HEIGHT) return;
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    if (inked) copy.getContext('2d')!.drawImage(canvas, 0, 0);
    canvas.width = width;
    canvas.height = PAD_HEIGHT;
    blank();
    if (inked) context().drawImage(copy, 0, 0, copy.width, copy.height, 0, 0, width, PAD_HEIGHT);
  };
  onMount(() => {
    fit();
    const observer = new ResizeObserver(() => fit());
    observer.observe(canvas);
    onCleanup(() => observer.disconnect());
  });

  /** The PNG of the pad, halved until it fits the limit (a very wide screen), or null. */
  const exported = (): string | null => {
    let source: HTMLCanvasElement = canvas;
    for (let i = 0; i < 4; i++) {
      const png = source.toDataURL('image/png');
      if (png.length <= MAX_SIGNATURE_LENGTH) return png;
      const half = document.createElement('canvas');
      half.width = Math.max(1, Math.floor(source.width / 2));
      half.height = Math.max(1, Math.floor(source.height / 2));
      half.getContext('2d')!.drawImage(source, 0, 0, half.width, half.height);
      source = half;
    }
    return null;
  };
  const changed = () => {
    setHasInk(inked);
    props.onChange(inked ? exported() : null);
  };

  const point = (e: PointerEvent) => {
    const box = canvas.getBoundingClientRect();
    return { x: ((e.clientX - box.left) * canvas.width) / box.width, y: ((e.clientY - box.top) * canvas.height) / box.height };
  };
  const down = (e: PointerEvent) => {
    fit();
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    drawing = e.pointerId;
    const ctx = context();
    const p = point(e);
    ctx.strokeStyle = INK;
    ctx.lineWidth = 2.5;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
    ctx.lineTo(p.x + 0.1, p.y + 0.1); // a tap leaves a dot
    ctx.stroke();
    inked = true;
  };
  const move = (e: PointerEvent) => {
    if (drawing !== e.pointerId) return;
    const ctx = context();
    const p = point(e);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
  };
  const up = (e: PointerEvent) => {
    if (drawing !== e.pointerId) return;
    drawing = null;
    changed();
    setSaid(t.done);
  };

  const signTyped = () => {
    const name = typed().trim();
    if (!name) {
      setTypedError(t.typedEmpty);
      return;
    }
    setTypedError(null);
    fit();
    blank();
    const ctx = context();
    ctx.fillStyle = INK;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    let size = 44;
    const font = (px: number) => `italic ${px}px "Kaiti SC", KaiTi, STKaiti, "Segoe Script", cursive, serif`;
    ctx.font = font(size);
    while (size > 12 && ctx.measureText(name).width > canvas.width - 24) ctx.font = font((size -= 2));
    ctx.fillText(name, canvas.width / 2, PAD_HEIGHT / 2);
    inked = true;
    changed();
    setSaid(t.done);
  };

  const clear = () => {
    inked = false;
    fit();
    blank();
    changed();
    setSaid(t.cleared);
  };

  const id = props.idBase;
  return (
    <fieldset class="field signature-pad" aria-describedby={`${id}-hint${props.error ? ` ${id}-error` : ''}`}>
      <legend>{props.legend ?? t.legend}</legend>
      <p id={`${id}-hint`} class="hint">
        {t.drawHint}
      </p>
      <canvas
        ref={canvas}
        class="signature-canvas"
        role="img"
        aria-label={t.canvasLabel}
        height={PAD_HEIGHT}
        data-inked={hasInk() ? 'yes' : 'no'}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={up}
      />
      <Show when={props.error}>
        <p id={`${id}-error`} class="field-error">
          {props.error}
        </p>
      </Show>
      <div class="signature-typed">
        <label for={`${id}-typed`}>{t.typed}</label>
        <input
          id={`${id}-typed`}
          type="text"
          autocomplete="name"
          maxLength={MAX_NAME}
          value={typed()}
          onInput={(e) => setTyped(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault(); // not the form's submit: sign first
              signTyped();
            }
          }}
          aria-invalid={typedError() ? 'true' : undefined}
          aria-describedby={typedError() ? `${id}-typed-error` : undefined}
        />
        <Show when={typedError()}>
          <p id={`${id}-typed-error`} class="field-error">
            {typedError()}
          </p>
        </Show>
      </div>
      <div class="signature-buttons">
        <button type="button" class="button secondary" onClick={signTyped}>
          {t.useTyped}
        </button>
        <button type="button" class="button secondary" onClick={clear}>
          {t.clear}
        </button>
      </div>
      <p class="visually-hidden" role="status">
        {said()}
      </p>
    </fieldset>
  );
}
