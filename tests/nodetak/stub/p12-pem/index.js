// node-tak 12.0.0 declares p12-pem but imports it only from its interactive CLI
// (dist/cli.js), which this suite never runs. The registry the project builds
// against refuses that package, so npm `overrides` points here instead.
export function getPemFromP12() {
  throw new Error('p12-pem is stubbed in tests/nodetak: use PEM files with node-tak');
}
export default { getPemFromP12 };
