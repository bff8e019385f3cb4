"""The staff side that is data rather than flow: the e-asistents authorisation form (authorisation.py)."""
