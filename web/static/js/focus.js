/* After htmx replaces a section (hx-swap="outerHTML"), the button that was pressed is gone and
   the browser drops focus to <body>: a keyboard or screen reader user would start again at the
   top (WCAG 2.4.3). Put focus back in the new section: on the first field with an error, else on
   its heading (tabindex="-1"). Out-of-band swaps and swaps that kept the focus are left alone.
   Done on afterSwap, in the same task as the swap, so nothing sees the section without focus.
   A file of its own: the Content-Security-Policy allows no inline script. */
document.addEventListener("htmx:afterSwap", function (event) {
  var section = event.target;
  var target = event.detail && event.detail.target;
  if (!section.id || !target || section.id !== target.id) {
    return;
  }
  var active = document.activeElement;
  if (active && active !== document.body && document.body.contains(active)) {
    return;
  }
  var into = section.querySelector('[aria-invalid="true"]') ||
    section.querySelector('h1[tabindex="-1"], h2[tabindex="-1"], h3[tabindex="-1"]');
  if (into) {
    into.focus();
  }
});
