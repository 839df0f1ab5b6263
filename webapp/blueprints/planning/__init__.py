"""Planning: programmes, background solves, review, pins, publishing and re-planning."""
