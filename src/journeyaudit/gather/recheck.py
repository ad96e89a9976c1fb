"""After the shop refused the order without a cause, look at the product pages again, as a customer would.

"We could not place your order" says nothing of why. A customer then goes back to the
product they wanted and finds "Sold out", or a new price. When the journey met such a
refusal (``facts.recheck.unexplained_refusal``: the one notion the rules read too), the
recorder opens each product page the journey visited before it (at most
``facts.recheck.MAX_RECHECKS``), in the same browser context (the same basket and
session), and keeps the page as a *recheck* snapshot in ``Run.rechecks``: role
``recheck``, the index of the product step it looks at again. Rechecks are not journey
steps: they have no actions, no budget, and no rule reads them as steps; JA301 and JA102
read what changed (``facts.recheck.changes``) as the cause of the refusal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError

from journeyaudit import model
from journeyaudit.facts import recheck as facts_recheck

if TYPE_CHECKING:
    from journeyaudit.gather.recorder import Recorder


def recheck_products(run: model.Run, recorder: Recorder, navigation_timeout_ms: int) -> None:
    """Record the product pages again after a refusal that named no cause (nothing when there was none)."""
    refused = facts_recheck.unexplained_refusal(run)
    if refused is None or recorder.crashed:
        return
    axe, recorder.axe = recorder.axe, None  # the journey's pages were checked already (no axe-core run)
    try:
        for product in facts_recheck.product_pages(run, refused.step.index):
            step = model.Step(name=f"Recheck: {product.name}", role="recheck", screenshot=True)
            record = recorder.begin_step(product.index, step)
            try:
                recorder.page.goto(product.url, wait_until="load", timeout=navigation_timeout_ms)
            except PlaywrightError as exc:
                record.status, record.error = "failed", f"page {product.url} did not load: {str(exc).splitlines()[0]}"
            recorder.settle()
            record.duration_ms = recorder.elapsed_ms()
            recorder.snapshot(screenshot=True)
            run.rechecks.append(record)
            if recorder.crashed:
                return
    finally:
        recorder.axe = axe
