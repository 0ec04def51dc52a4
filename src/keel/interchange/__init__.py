"""Files from and for other project tools: Microsoft Project XML, TaskJuggler."""
