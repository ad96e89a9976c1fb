"""The built-in demo shop "Kettle & Crumb", with per-visitor fault switches.

    from journeyaudit.demo import DemoShop, FAULTS
    with DemoShop() as shop:          # 127.0.0.1, a free port
        print(shop.url)

``?fault=late-fee`` (comma-separated list allowed, ``?fault=none`` clears) on any URL
switches faults on for that visitor only; ``FAULTS`` describes each one.
"""

from .shop import FAULTS, DemoShop

__all__ = ["DemoShop", "FAULTS"]
