"""Word lists the sample CRM draws names from, so people, teams, companies and deals read like a CRM."""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    "Ada", "Alan", "Amara", "Ana", "Ben", "Bianca", "Carlos", "Chen", "Chloe", "Dana", "David", "Diego",
    "Elena", "Emma", "Farah", "Felix", "Grace", "Hana", "Hugo", "Ines", "Ivan", "Jade", "James", "Jonas",
    "Julia", "Kai", "Keiko", "Lars", "Leila", "Liam", "Lucia", "Maya", "Marco", "Mei", "Nadia", "Noah",
    "Olga", "Omar", "Paula", "Priya", "Quinn", "Rafael", "Rosa", "Sam", "Sara", "Sofia", "Tariq", "Tom",
    "Uma", "Victor", "Wen", "Yara", "Yusuf", "Zoe",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Abbott", "Alvarez", "Andersen", "Baker", "Becker", "Brooks", "Castro", "Chen", "Costa", "Dubois",
    "Evans", "Fischer", "Garcia", "Gupta", "Hansen", "Hughes", "Ito", "Jensen", "Kowalski", "Kumar",
    "Larsen", "Lopez", "Martin", "Meyer", "Moreau", "Murphy", "Nakamura", "Nguyen", "Novak", "Okafor",
    "Olsen", "Park", "Patel", "Perez", "Rossi", "Russo", "Schmidt", "Silva", "Singh", "Smith", "Suzuki",
    "Tanaka", "Torres", "Varga", "Wagner", "Walsh", "Weber", "Wilson", "Wong", "Young", "Zhang",
)  # fmt: skip

TEAM_NICKNAMES: tuple[str, ...] = (
    "Falcons", "Orcas", "Pioneers", "Summit", "Harbor", "Velocity", "Atlas", "Comet", "Granite", "Horizon",
    "Lighthouse", "Meridian", "Nova", "Northstar", "Pinnacle", "Quartz", "Redwood", "Sequoia", "Tidal",
    "Vanguard",
)  # fmt: skip

COMPANY_PREFIXES: tuple[str, ...] = (
    "Acme", "Apex", "Blue", "Bright", "Cedar", "Cobalt", "Crest", "Delta", "Evergreen", "Fusion", "Global",
    "Golden", "Iron", "Lumen", "Maple", "Nimbus", "North", "Orbit", "Pacific", "Prime", "Quantum", "River",
    "Silver", "Stellar", "Summit", "Terra", "Union", "Vertex", "West", "Zenith",
)  # fmt: skip

COMPANY_SUFFIXES: tuple[str, ...] = (
    "Analytics", "Biotech", "Logistics", "Foods", "Health", "Holdings", "Industries", "Labs", "Media",
    "Motors", "Partners", "Retail", "Robotics", "Software", "Systems", "Energy", "Freight", "Capital",
)  # fmt: skip

DEAL_PRODUCTS: tuple[str, ...] = (
    "Platform licence", "Renewal", "Expansion", "Onboarding services", "Premium support", "Data add-on",
    "Pilot", "Enterprise upgrade", "Seat top-up", "Training package",
)  # fmt: skip
