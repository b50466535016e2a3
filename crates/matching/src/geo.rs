//! Great-circle distance and a grid index of schools, so candidate edges come from nearby
//! schools only, never from all pairs.

const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Haversine distance in kilometres.
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

/// Points bucketed in cells of `cell_deg` degrees of latitude and longitude.
pub struct Grid {
    cell_deg: f64,
    cells: std::collections::HashMap<(i32, i32), Vec<u32>>,
}

impl Grid {
    /// Indexes `points` (index, lat, lon) for searches of up to `radius_km`.
    pub fn new(points: impl Iterator<Item = (u32, f64, f64)>, radius_km: f64) -> Grid {
        // One degree of latitude is ~111 km; cells about the search radius keep each search to
        // a few cells.
        let cell_deg = (radius_km / 111.0).max(0.01);
        let mut cells: std::collections::HashMap<(i32, i32), Vec<u32>> =
            std::collections::HashMap::new();
        for (index, lat, lon) in points {
            cells
                .entry(Self::cell(cell_deg, lat, lon))
                .or_default()
                .push(index);
        }
        Grid { cell_deg, cells }
    }

    fn cell(cell_deg: f64, lat: f64, lon: f64) -> (i32, i32) {
        (
            (lat / cell_deg).floor() as i32,
            (lon / cell_deg).floor() as i32,
        )
    }

    /// Indices of the points in cells that may hold points within `radius_km` of (lat, lon),
    /// in ascending order. Callers check the exact distance.
    pub fn near(&self, lat: f64, lon: f64, radius_km: f64) -> Vec<u32> {
        let lat_cells = (radius_km / 111.0 / self.cell_deg).ceil() as i32;
        // Longitude degrees shrink with latitude; widen the search accordingly.
        let shrink = lat.to_radians().cos().abs().max(0.05);
        let lon_cells = (radius_km / (111.0 * shrink) / self.cell_deg).ceil() as i32;
        let (row, col) = Self::cell(self.cell_deg, lat, lon);
        let mut found = Vec::new();
        for r in row - lat_cells..=row + lat_cells {
            for c in col - lon_cells..=col + lon_cells {
                if let Some(points) = self.cells.get(&(r, c)) {
                    found.extend_from_slice(points);
                }
            }
        }
        found.sort_unstable();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detroit_to_lansing_is_about_130_km() {
        let d = distance_km(42.3314, -83.0458, 42.7325, -84.5555);
        assert!((d - 130.0).abs() < 5.0, "{d}");
    }

    #[test]
    fn the_grid_finds_every_point_within_the_radius() {
        let points: Vec<(u32, f64, f64)> = (0..400)
            .map(|i| {
                (
                    i,
                    42.0 + (i % 20) as f64 * 0.05,
                    -84.0 + (i / 20) as f64 * 0.07,
                )
            })
            .collect();
        let grid = Grid::new(points.iter().copied(), 25.0);
        let near = grid.near(42.5, -83.3, 25.0);
        for (i, lat, lon) in points {
            if distance_km(42.5, -83.3, lat, lon) <= 25.0 {
                assert!(near.contains(&i), "{i} missed");
            }
        }
    }
}
