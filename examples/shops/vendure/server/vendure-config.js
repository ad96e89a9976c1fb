// Vendure 3.7 server settings for the journeyaudit corpus (plain CommonJS: no TypeScript build).
// The shop's own settings, as `@vendure/create` would write them, with three changes for a
// local audit: sql.js (an SQLite file, no database server), the job queue run in the server
// process, and the EmailPlugin sending real SMTP to journeyaudit's sink (VENDURE_SMTP_PORT).
const path = require('path');
const {
    dummyPaymentHandler,
    DefaultJobQueuePlugin,
    DefaultSearchPlugin,
} = require('@vendure/core');
const { defaultEmailHandlers, EmailPlugin, FileBasedTemplateLoader } = require('@vendure/email-plugin');
const { AssetServerPlugin } = require('@vendure/asset-server-plugin');

const WORK = process.env.VENDURE_WORK;
const PORT = +(process.env.VENDURE_PORT || 8741);
const STOREFRONT = process.env.VENDURE_STOREFRONT_URL || 'http://127.0.0.1:8742';

exports.config = {
    apiOptions: {
        hostname: '127.0.0.1',
        port: PORT,
        adminApiPath: 'admin-api',
        shopApiPath: 'shop-api',
        cors: { origin: true, credentials: true },
    },
    authOptions: {
        tokenMethod: ['bearer', 'cookie'],
        superadminCredentials: { identifier: 'superadmin', password: 'superadmin' },
        cookieOptions: { secret: 'journeyaudit-corpus-not-a-secret' },
    },
    dbConnectionOptions: {
        type: 'sqljs',
        synchronize: true,
        logging: false,
        location: path.join(WORK, 'vendure.sqlite'),
        autoSave: true,
    },
    paymentOptions: { paymentMethodHandlers: [dummyPaymentHandler] },
    customFields: {},
    plugins: [
        AssetServerPlugin.init({
            route: 'assets',
            assetUploadDir: path.join(WORK, 'assets'),
            assetUrlPrefix: `http://127.0.0.1:${PORT}/assets/`,
        }),
        DefaultJobQueuePlugin.init({ useDatabaseForBuffer: true, pollInterval: 500 }),
        DefaultSearchPlugin.init({ bufferUpdates: false, indexStockStatus: true }),
        EmailPlugin.init({
            handlers: defaultEmailHandlers,
            templateLoader: new FileBasedTemplateLoader(
                path.join(path.dirname(require.resolve('@vendure/email-plugin/package.json')), 'templates'),
            ),
            transport: {
                type: 'smtp',
                host: '127.0.0.1',
                port: +(process.env.VENDURE_SMTP_PORT || 2527),
                secure: false,
                ignoreTLS: true,
            },
            globalTemplateVars: {
                fromAddress: '"Vendure Demo Store" <noreply@vendure.test>',
                verifyEmailAddressUrl: `${STOREFRONT}/verify`,
                passwordResetUrl: `${STOREFRONT}/password-reset`,
                changeEmailAddressUrl: `${STOREFRONT}/verify-email-address-change`,
            },
        }),
    ],
};
