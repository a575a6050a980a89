"""Identity escrow: staff work with a pseudonym; revealing who it is takes a second person."""
