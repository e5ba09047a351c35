"""The four examples of section 2.0, as simulations the chapters run."""
