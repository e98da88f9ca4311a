/**
 * The one place that imports @peculiar/x509. Its dependency-injection container (tsyringe)
 * needs the `reflect-metadata` polyfill installed before it loads; ES modules evaluate imports
 * in order, so importing the polyfill first here is enough. Everything else in the MSP imports
 * x509 from this file.
 */
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'

export { x509 }
