"""Calendar feeds (RFC 5545): a private feed per volunteer, per home (public events) and per team,
behind long random tokens that only their hash identifies."""
