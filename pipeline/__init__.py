"""huanjie: structured records of grassroots elections -> checked, computed, official paperwork."""

__version__ = "0.1.0"
