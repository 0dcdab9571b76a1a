"""Dorpsregie: the pilot programme manager for 'Dorp als Verzorgingshuis'.

Everything in this package is plain Python that tests can call without Streamlit,
except the small `dorp.ui` module that pages import.
"""

__version__ = "0.1.0"
