"""Children's homes: rooms, opening hours, closures, events and room bookings."""
