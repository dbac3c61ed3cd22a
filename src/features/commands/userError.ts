/** A button on an error message. */
export interface ErrorAction {
  title: string;
  run(): unknown;
}

/** An error whose message is already a sentence for the user, with the buttons that help. */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly actions: readonly ErrorAction[] = [],
  ) {
    super(message);
  }
}

/** The user dismissed a prompt: the command stops without a message. */
export class Cancelled extends Error {
  constructor() {
    super('Cancelled');
  }
}
