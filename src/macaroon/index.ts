/** The macaroon layer's public names (filled in by the macaroon work). */
export {};
