"""Accessibility checks on a loaded page: axe-core (from npm, `npm ci` in tests/e2e) and the house
rules axe does not see (STYLE.md, UI: a label on every input)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .pixels import contrast, decode_png

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"

AXE_OPTIONS = {
    # every rule axe runs by default (WCAG 2.0-2.2 A/AA and best practices), plus the WCAG 2.2
    # target size, which it leaves off by default. No rule is excluded.
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}

OWN_CHECKS = """() => {
  const problems = [];
  const counts = new Map();
  for (const element of document.querySelectorAll('[id]')) {
    counts.set(element.id, (counts.get(element.id) || 0) + 1);
  }
  for (const [id, count] of counts) {
    if (count > 1) problems.push(`id "${id}" is used ${count} times`);
  }
  const controls =
    'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea';
  for (const control of document.querySelectorAll(controls)) {
    if (control.labels.length === 0) {
      const form = control.closest('form');
      problems.push(`no <label> for ${control.outerHTML.slice(0, 100)} in the form posting to `
        + (form ? form.getAttribute('action') : '(no form)'));
    }
  }
  return problems;
}"""


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[str]:
    """axe-core's violations on the page as it is now, one readable line per element."""
    # evaluated through the DevTools protocol: the page's CSP (script-src 'self') stays in force
    page.evaluate(axe_source())
    found: list[dict[str, Any]] = page.evaluate(
        "options => axe.run(document, options).then(results => results.violations)", AXE_OPTIONS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}: {node['html'][:160]}"
        for v in found
        for node in v["nodes"]
    ]


OVERFLOW = """() => {
  const width = Math.min(window.innerWidth, document.documentElement.clientWidth);
  const right = element => {
    const box = element.getBoundingClientRect();
    return box.width > 0 ? Math.max(box.right, box.left + element.scrollWidth) : 0;
  };
  const wide = [...document.body.querySelectorAll('*')].filter(element =>
    right(element) > width + 1 && ![...element.children].some(child => right(child) > width + 1));
  return {
    scroll: document.scrollingElement.scrollWidth,
    width,
    wide: wide.slice(0, 8).map(element =>
      `${element.outerHTML.slice(0, 100)} reaches ${Math.round(right(element))} px`),
  };
}"""


def horizontal_overflow(page: Page) -> list[str]:
    """Why the page scrolls sideways, if it does (WCAG 1.4.10 reflow: at 320 CSS px and up one
    may only need to scroll one way): the width, and the innermost elements that stick out of the
    viewport (by their box or by text too long for it); nothing if it fits. The viewport is the
    narrower of the visual and the layout one, as a mobile browser zooms out to fit a page that
    is too wide."""
    found: dict[str, Any] = page.evaluate(OVERFLOW)
    if found["scroll"] <= found["width"]:
        return []
    return [f"{found['scroll']} px wide in a {found['width']} px viewport", *found["wide"]]


def label_problems(page: Page) -> list[str]:
    """Controls without a label of their own, and repeated ids (which give one control two
    labels and leave the other without)."""
    problems: list[str] = page.evaluate(OWN_CHECKS)
    return problems


def focus_ring(page: Page) -> tuple[int, int]:
    """How many pixels around the focused element change with at least 3:1 contrast between its
    focused and unfocused states, and how many a 2 CSS px ring around it has (WCAG 2.2 SC 2.4.13's
    measure; SC 1.4.11 asks the same 3:1 of a focus indicator against what is next to it)."""
    box = page.evaluate(
        "() => { const r = document.activeElement.getBoundingClientRect();"
        " return {x: r.x, y: r.y, width: r.width, height: r.height}; }"
    )
    margin = 8  # the ring: outline width and offset
    clip = {
        "x": max(0, box["x"] - margin),
        "y": max(0, box["y"] - margin),
        "width": box["width"] + 2 * margin,
        "height": box["height"] + 2 * margin,
    }
    focused = page.screenshot(clip=clip, animations="disabled", caret="hide")
    page.evaluate("() => { window.e2eFocused = document.activeElement; e2eFocused.blur(); }")
    unfocused = page.screenshot(clip=clip, animations="disabled", caret="hide")
    page.evaluate("() => window.e2eFocused.focus()")
    _, _, before = decode_png(unfocused)
    _, _, after = decode_png(focused)
    strong = sum(1 for a, b in zip(before, after, strict=True) if contrast(a, b) >= 3)
    return strong, round(4 * (box["width"] + box["height"]))
