"""Chapter modules of gdlib: the code one chapter needs, ``chNN_<topic>.py``."""
