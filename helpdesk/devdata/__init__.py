"""Data that is not the product: the demo association and the bench seed (no core imports it)."""
