/** The requests area's public names. */
export {};
