"""GB/T 2260 administrative divisions: province / prefecture / county."""
