"""Services: one unit of work each (load, decide through conversation/ and rules/, keep through
storage/, commit), called by the channels; they never import a channel."""
