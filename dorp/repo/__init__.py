"""The data layer: every query of the app, each taking the current user and applying the
role and village scope itself (dorp.access). Pages call these functions, never SQL."""
