"""What each generated page shows (its view model), its digest, charts and the tile map."""
