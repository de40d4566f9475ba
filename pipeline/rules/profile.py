"""Old import path of the rule profiles, kept for one release: the profile now lives in `pipeline.profile`."""

from __future__ import annotations

from ..profile import (
    KIND_NAMES,
    InvalidProfile,
    Profile,
    ProfileError,
    Threshold,
    base_profiles,
    build_profile,
    default_basis,
    load_profile,
    profiles,
    provinces,
    select,
)

__all__ = [
    "KIND_NAMES",
    "InvalidProfile",
    "Profile",
    "ProfileError",
    "Threshold",
    "base_profiles",
    "build_profile",
    "default_basis",
    "load_profile",
    "profiles",
    "provinces",
    "select",
]
