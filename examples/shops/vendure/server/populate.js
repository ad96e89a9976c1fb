// First start only: create the schema and load @vendure/create's demo catalogue (initial data,
// products.csv and its images), as `npx @vendure/create` does. Then seed.js sets the switches.
const path = require('path');
const { bootstrap } = require('@vendure/core');
const { populate } = require('@vendure/core/cli');
const { config } = require('./vendure-config');

const assets = path.join(path.dirname(require.resolve('@vendure/create/package.json')), 'assets');
const populateConfig = {
    ...config,
    apiOptions: { ...config.apiOptions, port: +config.apiOptions.port + 100 },
    importExportOptions: { importAssetsDir: path.join(assets, 'images') },
};

populate(() => bootstrap(populateConfig), require(path.join(assets, 'initial-data.json')),
         path.join(assets, 'products.csv'))
    .then(app => app.close())
    .then(() => process.exit(0))
    .catch(err => {
        console.error(err);
        process.exit(1);
    });
