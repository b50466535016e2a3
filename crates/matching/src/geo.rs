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

/// A place with the parts of the distance formula that depend on it alone worked out once:
/// `km` gives exactly what `distance_km` does, without recomputing them pair by pair.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    lon: f64,
    lat_rad: f64,
    cos_lat: f64,
    /// Unit vector, for a cheap chord-length test before the exact distance.
    xyz: [f64; 3],
}

impl Place {
    pub fn new(lat: f64, lon: f64) -> Place {
        let (lat_rad, lon_rad) = (lat.to_radians(), lon.to_radians());
        let cos_lat = lat_rad.cos();
        Place {
            lon,
            lat_rad,
            cos_lat,
            xyz: [
                cos_lat * lon_rad.cos(),
                cos_lat * lon_rad.sin(),
                lat_rad.sin(),
            ],
        }
    }

    /// The haversine distance, bit for bit as `distance_km` computes it.
    pub fn km(&self, other: &Place) -> f64 {
        let dp = other.lat_rad - self.lat_rad;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + self.cos_lat * other.cos_lat * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }

    /// Whether `other` may be within `km`: never false when it is (the chord test has a margin
    /// far above rounding error), so callers confirm with `km` only the places that pass.
    pub fn may_be_within(&self, other: &Place, km: f64) -> bool {
        if km >= HALF_CIRCUMFERENCE_KM {
            return true;
        }
        let chord = 2.0 * (km / (2.0 * EARTH_RADIUS_KM)).sin();
        let d: f64 = (0..3).map(|i| (self.xyz[i] - other.xyz[i]).powi(2)).sum();
        d <= chord * chord * (1.0 + 1e-9) + 1e-12
    }
}

/// Half the Earth's circumference: no distance is longer.
const HALF_CIRCUMFERENCE_KM: f64 = std::f64::consts::PI * EARTH_RADIUS_KM;

/// Points bucketed in cells of `cell_deg` degrees of latitude and longitude over their bounding
/// box, stored row by row so a search reads one contiguous slice per row of cells.
pub struct Grid {
    cell_deg: f64,
    lat0: f64,
    lon0: f64,
    rows: usize,
    cols: usize,
    /// Where each cell's points start in `points` (cells in row-major order).
    start: Vec<u32>,
    points: Vec<u32>,
}

/// Most cells a grid has: bounds its memory whatever the points' spread.
const MAX_CELLS: f64 = 4_000_000.0;

impl Grid {
    /// Indexes `points` (index, lat, lon) for searches of up to `radius_km`. Points without a
    /// finite location are left out: they are near nothing.
    pub fn new(points: impl Iterator<Item = (u32, f64, f64)>, radius_km: f64) -> Grid {
        let points: Vec<(u32, f64, f64)> = points
            .filter(|(_, lat, lon)| lat.is_finite() && lon.is_finite())
            .collect();
        let (mut lat0, mut lat1, mut lon0, mut lon1) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        if let Some(&(_, lat, lon)) = points.first() {
            (lat0, lat1, lon0, lon1) = (lat, lat, lon, lon);
        }
        for &(_, lat, lon) in &points {
            (lat0, lat1) = (lat0.min(lat), lat1.max(lat));
            (lon0, lon1) = (lon0.min(lon), lon1.max(lon));
        }
        // Cells a quarter of the search radius (one degree of latitude is ~111 km) keep the
        // cells searched close to the circle; coarser when the points spread too far for that.
        let mut cell_deg = (radius_km / 111.0 / 4.0).max(0.005);
        while ((lat1 - lat0) / cell_deg + 1.0) * ((lon1 - lon0) / cell_deg + 1.0) > MAX_CELLS {
            cell_deg *= 2.0;
        }
        let mut grid = Grid {
            cell_deg,
            lat0,
            lon0,
            rows: ((lat1 - lat0) / cell_deg) as usize + 1,
            cols: ((lon1 - lon0) / cell_deg) as usize + 1,
            start: Vec::new(),
            points: Vec::new(),
        };
        let mut start = vec![0u32; grid.cells() + 1];
        for &(_, lat, lon) in &points {
            start[grid.cell(lat, lon) + 1] += 1;
        }
        for i in 0..grid.cells() {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut sorted = vec![0u32; points.len()];
        for &(index, lat, lon) in &points {
            let k = grid.cell(lat, lon);
            sorted[fill[k] as usize] = index;
            fill[k] += 1;
        }
        (grid.start, grid.points) = (start, sorted);
        grid
    }

    /// Indices of the points in cells that may hold points within `radius_km` of (lat, lon),
    /// in ascending order. Callers check the exact distance.
    pub fn near(&self, lat: f64, lon: f64, radius_km: f64) -> Vec<u32> {
        let mut found = Vec::new();
        for cells in self.cell_runs(lat, lon, radius_km) {
            let (from, to) = (self.start[cells.start], self.start[cells.end]);
            found.extend_from_slice(&self.points[from as usize..to as usize]);
        }
        found.sort_unstable();
        found
    }

    /// The cells, holding at least one point, that may hold points within `radius_km` of
    /// (lat, lon).
    pub fn cells_near(&self, lat: f64, lon: f64, radius_km: f64) -> impl Iterator<Item = usize> {
        self.cell_runs(lat, lon, radius_km)
            .into_iter()
            .flatten()
            .filter(|&k| self.start[k] < self.start[k + 1])
    }

    /// The cell a point's location falls in: cells number from 0 to `cells()`.
    pub fn cell(&self, lat: f64, lon: f64) -> usize {
        let r = (((lat - self.lat0) / self.cell_deg).max(0.0) as usize).min(self.rows - 1);
        let c = (((lon - self.lon0) / self.cell_deg).max(0.0) as usize).min(self.cols - 1);
        r * self.cols + c
    }

    pub fn cells(&self) -> usize {
        self.rows * self.cols
    }

    /// For each row of cells that may hold points within `radius_km` of (lat, lon), its run
    /// of such cells.
    fn cell_runs(&self, lat: f64, lon: f64, radius_km: f64) -> Vec<std::ops::Range<usize>> {
        if self.points.is_empty() {
            return Vec::new();
        }
        let lat_deg = radius_km / 111.0 * 1.01 + 1e-9;
        // Longitude degrees shrink towards the poles: widen by the most poleward latitude
        // searched.
        let poleward = (lat.abs() + lat_deg).min(90.0);
        let shrink = poleward.to_radians().cos().abs().max(0.05);
        let lon_deg = radius_km / (111.0 * shrink) * 1.01 + 1e-9;
        let span = |from: f64, to: f64, origin: f64, n: usize| {
            let lo = ((from - origin) / self.cell_deg).floor().max(0.0);
            let hi = ((to - origin) / self.cell_deg).floor();
            if hi < 0.0 || lo >= n as f64 {
                None
            } else {
                Some((lo as usize, (hi as usize).min(n - 1)))
            }
        };
        let (Some((r0, r1)), Some((c0, c1))) = (
            span(lat - lat_deg, lat + lat_deg, self.lat0, self.rows),
            span(lon - lon_deg, lon + lon_deg, self.lon0, self.cols),
        ) else {
            return Vec::new();
        };
        (r0..=r1)
            .map(|r| r * self.cols + c0..r * self.cols + c1 + 1)
            .collect()
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

    #[test]
    fn places_give_the_exact_distance_and_the_chord_test_keeps_every_point_in_range() {
        let mut seed = 7u64;
        let mut unit = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..20_000 {
            let (lat1, lon1) = (unit() * 170.0 - 85.0, unit() * 360.0 - 180.0);
            let (lat2, lon2) = (lat1 + unit() - 0.5, lon1 + unit() - 0.5);
            let (a, b) = (Place::new(lat1, lon1), Place::new(lat2, lon2));
            let km = distance_km(lat1, lon1, lat2, lon2);
            assert_eq!(a.km(&b).to_bits(), km.to_bits());
            assert!(a.may_be_within(&b, km));
            assert!(a.may_be_within(&b, km + 0.001));
        }
    }
}
