/**
 * Refuses to run Decant inside a frame of another site (clickjacking: a page that frames the app
 * could make the user click its buttons). A `<meta>` CSP cannot set `frame-ancestors` and a static
 * host may not send headers, so the app checks for itself before anything else runs: imported
 * first by main.ts, it throws, which stops the module graph, so nothing of the app starts.
 */

/** True when `win` is framed by a page of another origin (whose location it cannot read). */
export function framedByAnotherOrigin(win: Window): boolean {
  if (win.top === win.self) return false;
  try {
    return win.top?.location.origin !== win.location.origin;
  } catch {
    return true;
  }
}

if (framedByAnotherOrigin(window)) {
  const note = document.createElement('p');
  note.dataset.testid = 'framed';
  note.textContent =
    'Decant does not run inside another site’s page. Open it in a tab of its own: ';
  const link = document.createElement('a');
  link.href = window.location.href;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  link.textContent = window.location.origin;
  note.append(link);
  document.body.replaceChildren(note);
  throw new Error('decant: refused to run inside a frame of another origin');
}
