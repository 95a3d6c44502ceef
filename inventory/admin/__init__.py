"""The curators' admin of the inventory, one module per part of it."""

from inventory.admin import organisations, products, reference, tags  # noqa: F401  (registers the admins)
