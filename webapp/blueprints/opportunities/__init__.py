"""Open opportunities: the list volunteers choose from, sign-up with a waitlist, swaps, and the
coordinators' switch that opens a need or a post for sign-up."""
