/** The tools area's public names. */
export {};
