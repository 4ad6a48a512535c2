export { loadbalance, loadbalance as default } from './setup.js';
export { createLoadbalance, type LoadbalanceConfig } from './loadbalance.js';
export { Shuffler } from './shuffle.js';
export { parseSubnet, type Subnet } from './subnet.js';
