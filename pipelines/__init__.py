"""wellled: NHS culture and leadership evidence, from published files to a gated warehouse."""
