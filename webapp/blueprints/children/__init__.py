"""Children: the child record (pseudonym, age band, home, consent), surrogate-parent pairings, the
care log of talks and visits, and the child's data rights (reading log, copy, erasure)."""
