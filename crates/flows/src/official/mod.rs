//! Official statistics: the CBP encounter files and the Border Patrol monthly tables (being written).
