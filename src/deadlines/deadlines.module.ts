import { Module } from '@nestjs/common';
import { TasksModule } from '../tasks/tasks.module.js';
import { BoardController } from './board.controller.js';
import { BoardService } from './board.service.js';
import { DeadlineSweeper } from './deadline-sweeper.service.js';

@Module({ imports: [TasksModule], controllers: [BoardController], providers: [BoardService, DeadlineSweeper], exports: [DeadlineSweeper, BoardService] })
export class DeadlinesModule {}
