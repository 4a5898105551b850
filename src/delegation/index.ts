/** The delegation area's public names. */
export {};
