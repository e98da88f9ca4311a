import 'fake-indexeddb/auto'
import { mspSuite } from './msp-suite.js'

mspSuite('with crypto.subtle', true)
mspSuite('without crypto.subtle', false)
