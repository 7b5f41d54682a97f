export const probe = "probe";
