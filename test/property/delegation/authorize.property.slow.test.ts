// The delegation laws with many more runs (npm run test:slow).
process.env['MANDATE_PROPERTY_RUNS'] = '3000';
await import('./authorize.property.test.js');
