// The kinds of danger the safety alerts know (knowledge/safety.yaml, locales/<lng>/safety.json).
export const ALERT_IDS = ["documents_taken", "confined", "debt_bondage", "threats_violence", "child_alone", "smuggling_offer"] as const;
export type AlertId = (typeof ALERT_IDS)[number];
