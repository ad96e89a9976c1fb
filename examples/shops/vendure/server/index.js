// Start the Vendure server and run its job queue (search index, emails) in the same process.
const { bootstrap, JobQueueService } = require('@vendure/core');
const { config } = require('./vendure-config');

bootstrap(config)
    .then(app => app.get(JobQueueService).start())
    .catch(err => {
        console.error(err);
        process.exit(1);
    });
