"""A fictional borough, written as files in the real formats (police.uk, ONS, MHCLG)."""
