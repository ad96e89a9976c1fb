"""The demo shop's newsletter pages: sign-up, unsubscribe confirmation, and their answers."""

from __future__ import annotations

from .pages import e, layout, text_field


def newsletter_page(*, email: str = "", error: str = "") -> str:
    body = f"""<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Shop</a> / Newsletter</nav>
<div class="panel" style="max-width:36rem">
<h1>Brew notes</h1>
<p>One email a fortnight: brewing guides, new roasts and gear that is back in stock. Unsubscribe any time.</p>
<form method="post" action="/newsletter/subscribe" novalidate>
{text_field("newsletter-email", "email", "Email address", value=email, autocomplete="email", type_="email", error=error)}
<button class="btn" type="submit">Subscribe</button>
</form>
</div>"""
    return layout("Newsletter", body)


def subscribed_page(email: str) -> str:
    body = f"""<div class="panel center"><div class="notice success" role="status">You're subscribed.</div>
<h1>Welcome to Brew notes</h1><p>The next issue goes to <strong>{e(email)}</strong>.</p>
<p><a class="btn" href="/">Back to the shop</a></p></div>"""
    return layout("Subscribed", body)


def unsubscribe_page(token: str, email: str) -> str:
    body = f"""<div class="panel center" style="max-width:36rem">
<h1>Unsubscribe from Brew notes?</h1>
<p>We'll stop sending the newsletter to <strong>{e(email)}</strong>. Order emails are not affected.</p>
<form method="post" action="/newsletter/unsubscribe?token={e(token)}">
<button class="btn" type="submit">Unsubscribe</button>
</form></div>"""
    return layout("Unsubscribe", body)


def unsubscribed_page() -> str:
    body = """<div class="panel center"><div class="notice success" role="status">You have been unsubscribed.</div>
<h1>You won't get Brew notes any more</h1><p>Changed your mind? You can subscribe again at any time.</p>
<p><a class="btn" href="/">Back to the shop</a></p></div>"""
    return layout("Unsubscribed", body)
