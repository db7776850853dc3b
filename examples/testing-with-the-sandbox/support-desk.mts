// The app under test: it answers every unread message of a conversation, once.
import { AfilnetTransportError, type ChatClient, type ConversationRef } from '@afilnet-chat/core';

/** What one round of answering did. */
export interface Round {
  /** Replies the server accepted. */
  readonly answered: number;
  /** Replies whose fate is unknown (the connection broke after they may have been written). */
  readonly unsure: number;
}

/** Reads the unread messages of `conversation` and answers each one. */
export async function answerUnread(
  chat: ChatClient,
  conversation: ConversationRef,
): Promise<Round> {
  let answered = 0;
  let unsure = 0;
  for (const question of await chat.getUnreadMessages(conversation)) {
    const message = /refund/i.test(question.message)
      ? 'Your refund is on its way: allow 3 to 5 days.'
      : 'Thanks for writing: an agent will answer shortly.';
    try {
      await chat.sendMessage({ ...conversation, message });
      answered += 1;
    } catch (error) {
      // Sending again could answer twice: count it for a person to check instead.
      if (error instanceof AfilnetTransportError && error.mayHaveBeenSent) unsure += 1;
      else throw error;
    }
  }
  return { answered, unsure };
}
