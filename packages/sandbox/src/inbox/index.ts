/** The web inbox: its page and the event stream it reads. */
export { createEventsDoor } from './events-door.js';
export { createInboxDoors } from './inbox-doors.js';
