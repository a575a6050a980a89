"""Quality review: closed cases drawn at random, scored by a supervisor, told to the handler."""
